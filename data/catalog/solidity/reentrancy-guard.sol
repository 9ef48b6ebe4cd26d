// title: Reentrancy guard
// description: A nonReentrant modifier that blocks reentrant calls into guarded functions, used together with checks-effects-interactions in a withdrawal.
// keywords: reentrancy, reentrant, guard, nonreentrant, mutex, lock, attack, security, modifier, checks, effects, interactions

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract GuardedVault {
    uint256 private constant NOT_ENTERED = 1;
    uint256 private constant ENTERED = 2;
    uint256 private status = NOT_ENTERED;

    mapping(address => uint256) public balances;

    modifier nonReentrant() {
        require(status != ENTERED, "reentrant call");
        status = ENTERED;
        _;
        status = NOT_ENTERED;
    }

    function deposit() external payable {
        balances[msg.sender] += msg.value;
    }

    function withdrawAll() external nonReentrant {
        uint256 amount = balances[msg.sender];
        require(amount > 0, "nothing to withdraw");
        balances[msg.sender] = 0;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "transfer failed");
    }
}
