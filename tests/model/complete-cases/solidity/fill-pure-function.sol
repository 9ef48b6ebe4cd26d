// expect: fill math-library
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

library MathUtils {
    function sqrt(uint256 x) internal pure returns (uint256) {
    }
}
