// title: Pull payments (withdrawal pattern)
// description: The withdrawal (pull payment) pattern: credit what each payee is owed and let them withdraw it, instead of pushing ether in a loop that one failing recipient can block.
// keywords: pull, payment, payments, withdrawal, withdraw, pattern, credit, owed, payees, push, safe, send, ether

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract PullPayment {
    address public immutable owner;
    mapping(address => uint256) public owed;

    event Credited(address indexed payee, uint256 amount);
    event Withdrawn(address indexed payee, uint256 amount);

    constructor() {
        owner = msg.sender;
    }

    /// Split msg.value equally between payees; each withdraws their part later.
    function distribute(address[] calldata payees) external payable {
        require(msg.sender == owner, "only the owner");
        require(payees.length > 0, "no payees");
        uint256 part = msg.value / payees.length;
        for (uint256 i = 0; i < payees.length; i++) {
            owed[payees[i]] += part;
            emit Credited(payees[i], part);
        }
        owed[owner] += msg.value - part * payees.length;
    }

    function withdraw() external {
        uint256 amount = owed[msg.sender];
        require(amount > 0, "nothing owed");
        owed[msg.sender] = 0;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "transfer failed");
        emit Withdrawn(msg.sender, amount);
    }
}
