// title: Vesting wallet (linear release over time)
// description: A vesting wallet that releases ether to a beneficiary linearly between a start time and the end of the vesting duration, after a cliff; token vesting follows the same schedule.
// keywords: vesting, vest, vested, linear, release, schedule, cliff, beneficiary, unlock, duration, employee, grant

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract VestingWallet {
    address payable public immutable beneficiary;
    uint256 public immutable start;
    uint256 public immutable cliff;
    uint256 public immutable duration;
    uint256 public released;

    event Released(uint256 amount);

    constructor(address payable beneficiary_, uint256 cliffSeconds, uint256 durationSeconds) {
        require(beneficiary_ != address(0), "zero beneficiary");
        require(cliffSeconds <= durationSeconds && durationSeconds > 0, "bad schedule");
        beneficiary = beneficiary_;
        start = block.timestamp;
        cliff = block.timestamp + cliffSeconds;
        duration = durationSeconds;
    }

    receive() external payable {}

    function vestedAmount() public view returns (uint256) {
        uint256 total = address(this).balance + released;
        if (block.timestamp < cliff) return 0;
        if (block.timestamp >= start + duration) return total;
        return (total * (block.timestamp - start)) / duration;
    }

    function release() external {
        uint256 amount = vestedAmount() - released;
        require(amount > 0, "nothing to release");
        released += amount;
        (bool ok, ) = beneficiary.call{value: amount}("");
        require(ok, "transfer failed");
        emit Released(amount);
    }
}
