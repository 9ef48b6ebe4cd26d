// SPDX-License-Identifier: MIT
/* A note. */
pragma solidity ^0.8.37;
contract A {
    uint256 public a;
}
