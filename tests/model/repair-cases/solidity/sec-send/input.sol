// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Tip {
    function tip(address payable to) public payable {
        to.send(msg.value);
    }
}
