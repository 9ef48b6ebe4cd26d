// title: Timelock (delayed withdrawal)
// description: A timelock that holds ether deposits until a release time has passed, after which each depositor can withdraw their own funds.
// keywords: timelock, time, date, lock, locked, delay, release, unlock, deadline, vault, withdraw, deposit, hold, savings

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract TimeLock {
    uint256 public constant MIN_DELAY = 1 days;

    mapping(address => uint256) public balances;
    mapping(address => uint256) public unlockAt;

    event Deposited(address indexed who, uint256 amount, uint256 unlockAt);
    event Withdrawn(address indexed who, uint256 amount);

    /// Deposit ether locked for at least `delay` seconds; a later deposit can only extend the lock.
    function deposit(uint256 delay) external payable {
        require(msg.value > 0, "nothing sent");
        require(delay >= MIN_DELAY, "delay too short");
        uint256 until = block.timestamp + delay;
        if (until > unlockAt[msg.sender]) {
            unlockAt[msg.sender] = until;
        }
        balances[msg.sender] += msg.value;
        emit Deposited(msg.sender, msg.value, unlockAt[msg.sender]);
    }

    function withdraw() external {
        uint256 amount = balances[msg.sender];
        require(amount > 0, "nothing to withdraw");
        require(block.timestamp >= unlockAt[msg.sender], "still locked");
        balances[msg.sender] = 0;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "transfer failed");
        emit Withdrawn(msg.sender, amount);
    }
}
