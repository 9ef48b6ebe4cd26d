// title: Merkle proof verification (airdrop allowlist)
// description: Verify that a leaf belongs to a Merkle tree given a proof and the root, and use it for an airdrop or allowlist claim that each address can make once.
// keywords: merkle, tree, proof, root, leaf, verify, verification, airdrop, allowlist, whitelist, claim, hash, keccak256

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract MerkleClaim {
    bytes32 public immutable root;
    mapping(address => bool) public claimed;

    event Claimed(address indexed account, uint256 amount);

    constructor(bytes32 root_) {
        root = root_;
    }

    /// Sorted-pair hashing, as in common Merkle tree tooling.
    function verify(bytes32[] calldata proof, bytes32 leaf) public view returns (bool) {
        bytes32 hash = leaf;
        for (uint256 i = 0; i < proof.length; i++) {
            bytes32 p = proof[i];
            hash = hash < p ? keccak256(abi.encodePacked(hash, p)) : keccak256(abi.encodePacked(p, hash));
        }
        return hash == root;
    }

    function claim(uint256 amount, bytes32[] calldata proof) external {
        require(!claimed[msg.sender], "already claimed");
        // Hash twice so a leaf can never be confused with an inner node.
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(msg.sender, amount))));
        require(verify(proof, leaf), "invalid proof");
        claimed[msg.sender] = true;
        emit Claimed(msg.sender, amount);
    }
}
