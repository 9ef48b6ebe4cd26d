// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.0;
contract Store {
    uint256 public value;

    function set(uint256 v) public {
        value = v;
    }
}
