// title: Fibonacci numbers in Solidity
// description: Compute the nth Fibonacci number iteratively in a pure function, and factorial, reverting on overflow.
// keywords: fibonacci, fib, sequence, nth, factorial, pure, math, iterative, numbers

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Sequences {
    function fibonacci(uint256 n) external pure returns (uint256) {
        uint256 a = 0;
        uint256 b = 1;
        for (uint256 i = 0; i < n; i++) {
            (a, b) = (b, a + b);
        }
        return a;
    }

    function factorial(uint256 n) external pure returns (uint256 result) {
        result = 1;
        for (uint256 i = 2; i <= n; i++) {
            result *= i;
        }
    }
}
