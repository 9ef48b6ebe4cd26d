// title: Auction (English auction, the highest bid wins)
// description: An open ascending auction where bidders outbid each other until the end time; outbid bidders withdraw their funds (pull payments) and the seller collects the highest bid.
// keywords: auction, english, bid, bids, bidding, highest, bidder, outbid, withdraw, seller, end, sale

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract EnglishAuction {
    address payable public immutable seller;
    uint256 public immutable endTime;
    address public highestBidder;
    uint256 public highestBid;
    bool public ended;
    mapping(address => uint256) public pendingReturns;

    event BidPlaced(address indexed bidder, uint256 amount);
    event AuctionEnded(address winner, uint256 amount);

    constructor(uint256 durationSeconds) {
        seller = payable(msg.sender);
        endTime = block.timestamp + durationSeconds;
    }

    function bid() external payable {
        require(block.timestamp < endTime, "auction ended");
        require(msg.value > highestBid, "bid too low");
        if (highestBidder != address(0)) {
            pendingReturns[highestBidder] += highestBid;
        }
        highestBidder = msg.sender;
        highestBid = msg.value;
        emit BidPlaced(msg.sender, msg.value);
    }

    /// Outbid bidders take their money back themselves (no push payments in bid()).
    function withdraw() external {
        uint256 amount = pendingReturns[msg.sender];
        require(amount > 0, "nothing to withdraw");
        pendingReturns[msg.sender] = 0;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "withdraw failed");
    }

    function end() external {
        require(block.timestamp >= endTime, "auction not over");
        require(!ended, "already ended");
        ended = true;
        emit AuctionEnded(highestBidder, highestBid);
        if (highestBid > 0) {
            (bool ok, ) = seller.call{value: highestBid}("");
            require(ok, "payment failed");
        }
    }
}
