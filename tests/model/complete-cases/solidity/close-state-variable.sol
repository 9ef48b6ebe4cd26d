// expect: close
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract A {
    uint256 public x = 1
