// SPDX-License-Identifier: MIT
// A small escrow with a timeout, the size and shape of a typical generated answer.
pragma solidity ^0.8.20;

contract Escrow {
    enum State { Created, Funded, Released, Refunded }

    struct Deal {
        address payable buyer;
        address payable seller;
        address arbiter;
        uint256 amount;
        uint256 deadline;
        State state;
    }

    uint256 public nextId;
    mapping(uint256 => Deal) public deals;
    mapping(address => uint256) public pendingWithdrawals;

    event Created(uint256 indexed id, address buyer, address seller, uint256 deadline);
    event Funded(uint256 indexed id, uint256 amount);
    event Released(uint256 indexed id);
    event Refunded(uint256 indexed id);

    error NotParty();
    error BadState(State expected, State actual);
    error TooEarly(uint256 deadline);

    modifier inState(uint256 id, State s) {
        if (deals[id].state != s) {
            revert BadState(s, deals[id].state);
        }
        _;
    }

    modifier onlyArbiter(uint256 id) {
        if (msg.sender != deals[id].arbiter) {
            revert NotParty();
        }
        _;
    }

    function create(address payable seller, address arbiter, uint256 duration)
        external
        returns (uint256 id)
    {
        require(seller != address(0) && arbiter != address(0), "zero address");
        require(duration > 0 && duration <= 365 days, "bad duration");
        id = nextId++;
        deals[id] = Deal({
            buyer: payable(msg.sender),
            seller: seller,
            arbiter: arbiter,
            amount: 0,
            deadline: 0,
            state: State.Created
        });
        deals[id].deadline = duration;
        emit Created(id, msg.sender, seller, duration);
    }

    function fund(uint256 id) external payable inState(id, State.Created) {
        Deal storage d = deals[id];
        if (msg.sender != d.buyer) {
            revert NotParty();
        }
        require(msg.value > 0, "no value");
        d.amount = msg.value;
        d.state = State.Funded;
        emit Funded(id, msg.value);
    }

    function release(uint256 id) external onlyArbiter(id) inState(id, State.Funded) {
        Deal storage d = deals[id];
        d.state = State.Released;
        pendingWithdrawals[d.seller] += d.amount;
        emit Released(id);
    }

    function refund(uint256 id) external onlyArbiter(id) inState(id, State.Funded) {
        Deal storage d = deals[id];
        d.state = State.Refunded;
        pendingWithdrawals[d.buyer] += d.amount;
        emit Refunded(id);
    }

    function withdraw() external {
        uint256 amount = pendingWithdrawals[msg.sender];
        require(amount > 0, "nothing to withdraw");
        pendingWithdrawals[msg.sender] = 0;
        (bool ok, ) = payable(msg.sender).call{value: amount}("");
        require(ok, "transfer failed");
    }

    /// The amount `who` can withdraw now.
    function balanceOf(address who) external view returns (uint256) {
        return pendingWithdrawals[who];
    }
}
