// title: Simple marketplace
// description: A marketplace where sellers list items at a price in ether and buyers purchase them; sellers withdraw their proceeds (pull payments).
// keywords: marketplace, market, shop, store, list, listing, item, items, sell, seller, buy, buyer, purchase, price, proceeds

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Marketplace {
    struct Item {
        address seller;
        string name;
        uint256 price;
        address buyer;
    }

    Item[] public items;
    mapping(address => uint256) public proceeds;

    event Listed(uint256 indexed id, address indexed seller, uint256 price);
    event Sold(uint256 indexed id, address indexed buyer);

    function list(string calldata name, uint256 price) external returns (uint256 id) {
        require(price > 0, "price must be positive");
        id = items.length;
        items.push(Item({seller: msg.sender, name: name, price: price, buyer: address(0)}));
        emit Listed(id, msg.sender, price);
    }

    function buy(uint256 id) external payable {
        require(id < items.length, "no such item");
        Item storage item = items[id];
        require(item.buyer == address(0), "already sold");
        require(msg.sender != item.seller, "seller cannot buy");
        require(msg.value == item.price, "wrong price");
        item.buyer = msg.sender;
        proceeds[item.seller] += msg.value;
        emit Sold(id, msg.sender);
    }

    function withdrawProceeds() external {
        uint256 amount = proceeds[msg.sender];
        require(amount > 0, "no proceeds");
        proceeds[msg.sender] = 0;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "transfer failed");
    }
}
