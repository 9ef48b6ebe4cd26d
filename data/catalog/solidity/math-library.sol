// title: Math library (min, max, average, sqrt, gcd)
// description: A library of pure math helpers for uint256: min, max, average without overflow, integer square root, greatest common divisor and power.
// keywords: math, library, min, max, average, mean, sqrt, square, root, gcd, divisor, pow, power, exponent, pure, uint256

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

library MathUtils {
    function min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }

    function max(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a : b;
    }

    /// The average rounded down, without overflowing on (a + b).
    function average(uint256 a, uint256 b) internal pure returns (uint256) {
        return (a & b) + (a ^ b) / 2;
    }

    /// The integer square root (Babylonian method).
    function sqrt(uint256 x) internal pure returns (uint256) {
        if (x == 0) {
            return 0;
        }
        uint256 z = (x + 1) / 2;
        uint256 y = x;
        while (z < y) {
            y = z;
            z = (x / z + z) / 2;
        }
        return y;
    }

    function gcd(uint256 a, uint256 b) internal pure returns (uint256) {
        while (b != 0) {
            (a, b) = (b, a % b);
        }
        return a;
    }
}

contract MathDemo {
    function demo(uint256 a, uint256 b) external pure returns (uint256, uint256, uint256, uint256) {
        return (MathUtils.max(a, b), MathUtils.average(a, b), MathUtils.sqrt(a), MathUtils.gcd(a, b));
    }
}
