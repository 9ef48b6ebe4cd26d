// title: Crowdfunding campaign
// description: A crowdfunding campaign with a goal and a deadline; the creator claims the funds if the goal is met, otherwise contributors get refunds.
// keywords: crowdfunding, crowdfund, campaign, kickstarter, fundraising, goal, deadline, pledge, contribute, donate, refund, claim

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Crowdfunding {
    address payable public immutable creator;
    uint256 public immutable goal;
    uint256 public immutable deadline;
    uint256 public raised;
    bool public claimed;
    mapping(address => uint256) public contributions;

    event Contributed(address indexed who, uint256 amount);
    event Claimed(uint256 amount);
    event Refunded(address indexed who, uint256 amount);

    constructor(uint256 goal_, uint256 durationSeconds) {
        require(goal_ > 0, "goal must be positive");
        creator = payable(msg.sender);
        goal = goal_;
        deadline = block.timestamp + durationSeconds;
    }

    function contribute() external payable {
        require(block.timestamp < deadline, "campaign ended");
        require(msg.value > 0, "nothing sent");
        contributions[msg.sender] += msg.value;
        raised += msg.value;
        emit Contributed(msg.sender, msg.value);
    }

    function claim() external {
        require(msg.sender == creator, "only the creator");
        require(block.timestamp >= deadline, "campaign not ended");
        require(raised >= goal, "goal not reached");
        require(!claimed, "already claimed");
        claimed = true;
        uint256 amount = address(this).balance;
        (bool ok, ) = creator.call{value: amount}("");
        require(ok, "transfer failed");
        emit Claimed(amount);
    }

    function refund() external {
        require(block.timestamp >= deadline, "campaign not ended");
        require(raised < goal, "goal reached");
        uint256 amount = contributions[msg.sender];
        require(amount > 0, "nothing to refund");
        contributions[msg.sender] = 0;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "refund failed");
        emit Refunded(msg.sender, amount);
    }
}
