// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Broken {
    function f() public pure returns (uint256) {
        uint256 unused = 1;
        return "not a number";
    }
}
