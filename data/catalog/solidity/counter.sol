// title: Counter
// description: A counter contract that can be incremented, decremented (never below zero) and reset by its owner.
// keywords: counter, count, increment, decrement, reset, number, state, starter, basic

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Counter {
    uint256 public count;
    address public immutable owner;

    constructor() {
        owner = msg.sender;
    }

    function increment() external {
        count += 1;
    }

    function decrement() external {
        require(count > 0, "counter is zero");
        count -= 1;
    }

    function reset() external {
        require(msg.sender == owner, "only the owner");
        count = 0;
    }
}
