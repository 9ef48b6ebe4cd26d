// title: Multi-signature wallet
// description: A multisig wallet where owners submit transactions and a transaction runs only after a required number of owners confirm it.
// keywords: multisig, multi-signature, multisignature, wallet, owners, confirm, confirmation, approvals, threshold, submit, execute, transaction

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract MultiSigWallet {
    struct Transaction {
        address to;
        uint256 value;
        bytes data;
        bool executed;
        uint256 confirmations;
    }

    address[] public owners;
    mapping(address => bool) public isOwner;
    uint256 public immutable required;
    Transaction[] public transactions;
    mapping(uint256 => mapping(address => bool)) public confirmed;

    event Submitted(uint256 indexed id, address indexed to, uint256 value);
    event Confirmed(uint256 indexed id, address indexed owner);
    event Revoked(uint256 indexed id, address indexed owner);
    event Executed(uint256 indexed id);

    modifier onlyOwner() {
        require(isOwner[msg.sender], "not an owner");
        _;
    }

    constructor(address[] memory owners_, uint256 required_) {
        require(owners_.length > 0, "owners required");
        require(required_ > 0 && required_ <= owners_.length, "bad threshold");
        for (uint256 i = 0; i < owners_.length; i++) {
            address o = owners_[i];
            require(o != address(0) && !isOwner[o], "bad owner");
            isOwner[o] = true;
            owners.push(o);
        }
        required = required_;
    }

    receive() external payable {}

    function submit(address to, uint256 value, bytes calldata data) external onlyOwner returns (uint256 id) {
        id = transactions.length;
        transactions.push(Transaction({to: to, value: value, data: data, executed: false, confirmations: 0}));
        emit Submitted(id, to, value);
    }

    function confirm(uint256 id) external onlyOwner {
        require(id < transactions.length, "no such transaction");
        require(!transactions[id].executed, "already executed");
        require(!confirmed[id][msg.sender], "already confirmed");
        confirmed[id][msg.sender] = true;
        transactions[id].confirmations += 1;
        emit Confirmed(id, msg.sender);
    }

    function revoke(uint256 id) external onlyOwner {
        require(id < transactions.length, "no such transaction");
        require(!transactions[id].executed, "already executed");
        require(confirmed[id][msg.sender], "not confirmed");
        confirmed[id][msg.sender] = false;
        transactions[id].confirmations -= 1;
        emit Revoked(id, msg.sender);
    }

    function execute(uint256 id) external onlyOwner {
        require(id < transactions.length, "no such transaction");
        Transaction storage t = transactions[id];
        require(!t.executed, "already executed");
        require(t.confirmations >= required, "not enough confirmations");
        t.executed = true;
        (bool ok, ) = t.to.call{value: t.value}(t.data);
        require(ok, "transaction failed");
        emit Executed(id);
    }
}
