// title: Hello world (greeter)
// description: The classic first contract: store a greeting, read it, and let anyone change it.
// keywords: hello, world, greeter, greeting, greet, first, starter, beginner, message

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Greeter {
    string private greeting = "Hello, World!";

    event GreetingChanged(string greeting);

    function greet() external view returns (string memory) {
        return greeting;
    }

    function setGreeting(string calldata newGreeting) external {
        greeting = newGreeting;
        emit GreetingChanged(newGreeting);
    }
}
