// title: State machine with an enum (order lifecycle)
// description: A state machine for an order's lifecycle with an enum, allowing only valid transitions (created, paid, shipped, delivered, cancelled) through an atState modifier.
// keywords: state, machine, enum, status, lifecycle, transition, transitions, order, supply, chain, shipping, tracking, workflow

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract OrderStateMachine {
    enum State { Created, Paid, Shipped, Delivered, Cancelled }

    address public immutable seller;
    address public immutable buyer;
    State public state;

    event StateChanged(State state);

    modifier atState(State expected) {
        require(state == expected, "invalid state for this action");
        _;
    }

    constructor(address buyer_) {
        seller = msg.sender;
        buyer = buyer_;
    }

    function markPaid() external atState(State.Created) {
        require(msg.sender == buyer, "only the buyer");
        _move(State.Paid);
    }

    function ship() external atState(State.Paid) {
        require(msg.sender == seller, "only the seller");
        _move(State.Shipped);
    }

    function confirmDelivery() external atState(State.Shipped) {
        require(msg.sender == buyer, "only the buyer");
        _move(State.Delivered);
    }

    function cancel() external {
        require(msg.sender == seller || msg.sender == buyer, "not a party");
        require(state == State.Created || state == State.Paid, "too late to cancel");
        _move(State.Cancelled);
    }

    function _move(State next) private {
        state = next;
        emit StateChanged(next);
    }
}
