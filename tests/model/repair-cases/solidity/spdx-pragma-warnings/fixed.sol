// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.37;
contract Empty {
    uint256 public constant VERSION = 1;
}
