// title: Pausable contract (emergency stop)
// description: A contract with an emergency stop: the owner can pause and unpause it, and functions guarded by whenNotPaused refuse to run while paused.
// keywords: pausable, pause, unpause, paused, emergency, stop, circuit, breaker, kill, switch, modifier, halt

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract PausableVault {
    address public immutable owner;
    bool public paused;
    mapping(address => uint256) public balances;

    event Paused(address by);
    event Unpaused(address by);

    modifier onlyOwner() {
        require(msg.sender == owner, "only the owner");
        _;
    }

    modifier whenNotPaused() {
        require(!paused, "paused");
        _;
    }

    constructor() {
        owner = msg.sender;
    }

    function pause() external onlyOwner {
        paused = true;
        emit Paused(msg.sender);
    }

    function unpause() external onlyOwner {
        paused = false;
        emit Unpaused(msg.sender);
    }

    function deposit() external payable whenNotPaused {
        balances[msg.sender] += msg.value;
    }

    function withdraw(uint256 amount) external whenNotPaused {
        require(balances[msg.sender] >= amount, "insufficient balance");
        balances[msg.sender] -= amount;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "transfer failed");
    }
}
