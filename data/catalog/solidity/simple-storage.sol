// title: Simple storage (get and set a value)
// description: The simplest stateful contract, storing a number that anyone can set and read, with an event on each change.
// keywords: storage, store, retrieve, read, get, set, getter, setter, value, number, state, variable, starter, basic

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract SimpleStorage {
    uint256 private value;

    event ValueChanged(address indexed by, uint256 newValue);

    function set(uint256 newValue) external {
        value = newValue;
        emit ValueChanged(msg.sender, newValue);
    }

    function get() external view returns (uint256) {
        return value;
    }
}
