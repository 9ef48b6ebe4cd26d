// title: Staking with rewards
// description: Stake ether and earn rewards proportional to the amount and time staked, at a fixed reward rate funded by the owner; unstake and claim at any time.
// keywords: staking, stake, unstake, rewards, reward, yield, interest, earn, rate, deposit, claim, farming

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract StakingRewards {
    address public immutable owner;
    /// Reward per staked wei per second, scaled by 1e18.
    uint256 public immutable rewardRate;
    mapping(address => uint256) public staked;
    mapping(address => uint256) public rewards;
    mapping(address => uint256) public lastUpdate;
    uint256 public totalStaked;

    constructor(uint256 rewardRate_) {
        owner = msg.sender;
        rewardRate = rewardRate_;
    }

    modifier updateReward(address account) {
        rewards[account] = earned(account);
        lastUpdate[account] = block.timestamp;
        _;
    }

    function earned(address account) public view returns (uint256) {
        uint256 elapsed = block.timestamp - lastUpdate[account];
        return rewards[account] + (staked[account] * rewardRate * elapsed) / 1e18;
    }

    function fund() external payable {
        require(msg.sender == owner, "only the owner");
    }

    function stake() external payable updateReward(msg.sender) {
        require(msg.value > 0, "nothing staked");
        staked[msg.sender] += msg.value;
        totalStaked += msg.value;
    }

    function unstake(uint256 amount) external updateReward(msg.sender) {
        require(staked[msg.sender] >= amount, "not enough staked");
        staked[msg.sender] -= amount;
        totalStaked -= amount;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "transfer failed");
    }

    function claim() external updateReward(msg.sender) {
        uint256 reward = rewards[msg.sender];
        require(reward > 0, "no reward");
        require(address(this).balance - totalStaked >= reward, "reward pool empty");
        rewards[msg.sender] = 0;
        (bool ok, ) = payable(msg.sender).call{value: reward}("");
        require(ok, "transfer failed");
    }
}
