// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.0;
contract Bank {
    mapping(address => uint256) public balances;
    address public owner;

    constructor() {
        owner = msg.sender;
    }

    function deposit() external payable {
        balances[msg.sender] += msg.value;
    }

    function withdraw() external {
        uint256 amount = balances[msg.sender];
        require(amount > 0, "nothing to withdraw");
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, "transfer failed");
        balances[msg.sender] = 0;
    }

    function sweep(address payable to) external {
        require(tx.origin == owner, "not the owner");
        to.send(address(this).balance / 2);
        to.call{value: address(this).balance}("");
    }
}
