// title: Allowlist (whitelist) of addresses
// description: An owner-managed allowlist of addresses with add and remove in batches, and an onlyAllowed modifier guarding a function.
// keywords: allowlist, whitelist, allow, list, addresses, approved, permitted, membership, add, remove, onlyallowed, modifier, presale

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Allowlist {
    address public immutable owner;
    mapping(address => bool) public allowed;
    uint256 public entries;

    event Added(address indexed account);
    event Removed(address indexed account);

    modifier onlyOwner() {
        require(msg.sender == owner, "only the owner");
        _;
    }

    modifier onlyAllowed() {
        require(allowed[msg.sender], "not on the allowlist");
        _;
    }

    constructor() {
        owner = msg.sender;
    }

    function add(address[] calldata accounts) external onlyOwner {
        for (uint256 i = 0; i < accounts.length; i++) {
            if (!allowed[accounts[i]]) {
                allowed[accounts[i]] = true;
                emit Added(accounts[i]);
            }
        }
    }

    function remove(address[] calldata accounts) external onlyOwner {
        for (uint256 i = 0; i < accounts.length; i++) {
            if (allowed[accounts[i]]) {
                allowed[accounts[i]] = false;
                emit Removed(accounts[i]);
            }
        }
    }

    function enter() external onlyAllowed {
        entries += 1;
    }
}
