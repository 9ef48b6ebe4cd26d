// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Pool {
    mapping(address => uint256) public shares;
    uint256 public total;

    function exit(uint256 amount) external {
        require(shares[msg.sender] >= amount, "too much");
        shares[msg.sender] -= amount;
        total -= amount;
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, "transfer failed");
    }
}
