// title: Payment splitter
// description: Split incoming ether among payees in fixed shares; each payee withdraws what they are owed at any time.
// keywords: payment, splitter, split, shares, share, payees, royalties, revenue, distribute, percentage, release, withdraw

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract PaymentSplitter {
    uint256 public totalShares;
    uint256 public totalReleased;
    mapping(address => uint256) public shares;
    mapping(address => uint256) public released;

    event PaymentReceived(address from, uint256 amount);
    event PaymentReleased(address to, uint256 amount);

    constructor(address[] memory payees, uint256[] memory shares_) {
        require(payees.length == shares_.length && payees.length > 0, "bad payees");
        for (uint256 i = 0; i < payees.length; i++) {
            require(payees[i] != address(0) && shares_[i] > 0, "bad payee");
            require(shares[payees[i]] == 0, "duplicate payee");
            shares[payees[i]] = shares_[i];
            totalShares += shares_[i];
        }
    }

    receive() external payable {
        emit PaymentReceived(msg.sender, msg.value);
    }

    function releasable(address payee) public view returns (uint256) {
        uint256 totalReceived = address(this).balance + totalReleased;
        return (totalReceived * shares[payee]) / totalShares - released[payee];
    }

    function release() external {
        uint256 amount = releasable(msg.sender);
        require(amount > 0, "nothing due");
        released[msg.sender] += amount;
        totalReleased += amount;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "transfer failed");
        emit PaymentReleased(msg.sender, amount);
    }
}
