// title: Bank (deposits and withdrawals per user)
// description: A bank contract where every user deposits ether and withdraws up to their own balance, safe against reentrancy by updating the balance before sending.
// keywords: bank, deposit, deposits, withdraw, withdrawal, balance, balances, users, accounts, ether, reentrancy, safe

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Bank {
    mapping(address => uint256) public balanceOf;

    event Deposit(address indexed account, uint256 amount);
    event Withdrawal(address indexed account, uint256 amount);

    function deposit() external payable {
        require(msg.value > 0, "nothing sent");
        balanceOf[msg.sender] += msg.value;
        emit Deposit(msg.sender, msg.value);
    }

    function withdraw(uint256 amount) external {
        require(balanceOf[msg.sender] >= amount, "insufficient balance");
        // Effects before the interaction: a reentrant call sees the reduced balance.
        balanceOf[msg.sender] -= amount;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "transfer failed");
        emit Withdrawal(msg.sender, amount);
    }
}
