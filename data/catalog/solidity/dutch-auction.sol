// title: Dutch auction (descending price)
// description: A Dutch auction whose price falls linearly over time from a start price; the first buyer to pay the current price wins and gets any excess back.
// keywords: dutch, auction, descending, decreasing, price, discount, falling, buy, sale, time

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract DutchAuction {
    address payable public immutable seller;
    uint256 public immutable startPrice;
    uint256 public immutable discountPerSecond;
    uint256 public immutable startAt;
    uint256 public immutable expiresAt;
    address public buyer;

    event Bought(address indexed buyer, uint256 price);

    constructor(uint256 startPrice_, uint256 discountPerSecond_, uint256 durationSeconds) {
        require(startPrice_ >= discountPerSecond_ * durationSeconds, "price would go negative");
        seller = payable(msg.sender);
        startPrice = startPrice_;
        discountPerSecond = discountPerSecond_;
        startAt = block.timestamp;
        expiresAt = block.timestamp + durationSeconds;
    }

    function price() public view returns (uint256) {
        return startPrice - discountPerSecond * (block.timestamp - startAt);
    }

    function buy() external payable {
        require(buyer == address(0), "already sold");
        require(block.timestamp < expiresAt, "auction expired");
        uint256 current = price();
        require(msg.value >= current, "not enough ether");
        buyer = msg.sender;
        emit Bought(msg.sender, current);
        (bool paid, ) = seller.call{value: current}("");
        require(paid, "payment failed");
        uint256 excess = msg.value - current;
        if (excess > 0) {
            (bool refunded, ) = payable(msg.sender).call{value: excess}("");
            require(refunded, "refund failed");
        }
    }
}
