// title: Ether wallet (owner-only withdrawals)
// description: A simple wallet that accepts ether from anyone and lets only its owner withdraw, with the balance readable by all.
// keywords: wallet, ether, eth, receive, deposit, withdraw, owner, balance, send, funds, payable

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract EtherWallet {
    address payable public immutable owner;

    event Received(address indexed from, uint256 amount);
    event Withdrawn(uint256 amount);

    constructor() {
        owner = payable(msg.sender);
    }

    receive() external payable {
        emit Received(msg.sender, msg.value);
    }

    function withdraw(uint256 amount) external {
        require(msg.sender == owner, "only the owner");
        require(amount <= address(this).balance, "insufficient balance");
        (bool ok, ) = owner.call{value: amount}("");
        require(ok, "transfer failed");
        emit Withdrawn(amount);
    }

    function balance() external view returns (uint256) {
        return address(this).balance;
    }
}
