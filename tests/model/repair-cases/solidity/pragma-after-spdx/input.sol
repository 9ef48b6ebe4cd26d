// SPDX-License-Identifier: MIT
/* A note. */
contract A {
    uint256 public a;
}
