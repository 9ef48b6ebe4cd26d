// title: Escrow between a buyer and a seller
// description: An escrow contract where the buyer deposits ether, an arbiter releases it to the seller or refunds the buyer, following checks-effects-interactions.
// keywords: escrow, buyer, seller, arbiter, deposit, release, refund, payment, ether, trust, third, party

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Escrow {
    enum State { AwaitingPayment, Funded, Released, Refunded }

    address public immutable buyer;
    address payable public immutable seller;
    address public immutable arbiter;
    uint256 public amount;
    State public state;

    event Funded(uint256 amount);
    event Released(uint256 amount);
    event Refunded(uint256 amount);

    constructor(address payable seller_, address arbiter_) {
        require(seller_ != address(0) && arbiter_ != address(0), "zero address");
        buyer = msg.sender;
        seller = seller_;
        arbiter = arbiter_;
    }

    function deposit() external payable {
        require(msg.sender == buyer, "only the buyer");
        require(state == State.AwaitingPayment, "already funded");
        require(msg.value > 0, "nothing sent");
        amount = msg.value;
        state = State.Funded;
        emit Funded(msg.value);
    }

    function release() external {
        require(msg.sender == arbiter || msg.sender == buyer, "not allowed");
        require(state == State.Funded, "not funded");
        uint256 value = amount;
        state = State.Released;
        amount = 0;
        (bool ok, ) = seller.call{value: value}("");
        require(ok, "payment failed");
        emit Released(value);
    }

    function refund() external {
        require(msg.sender == arbiter, "only the arbiter");
        require(state == State.Funded, "not funded");
        uint256 value = amount;
        state = State.Refunded;
        amount = 0;
        (bool ok, ) = payable(buyer).call{value: value}("");
        require(ok, "refund failed");
        emit Refunded(value);
    }
}
