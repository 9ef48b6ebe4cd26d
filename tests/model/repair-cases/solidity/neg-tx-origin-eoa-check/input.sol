// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Game {
    function play() public view returns (bool) {
        require(tx.origin == msg.sender, "no contracts");
        return true;
    }
}
