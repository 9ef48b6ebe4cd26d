// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract C {
    function f() public pure returns (uint256) {
        uint256 a = 1 uint256 b = 2;
        return a + b;
    }
}
