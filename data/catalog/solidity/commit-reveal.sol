// title: Commit-reveal scheme
// description: A commit-reveal scheme: participants first commit the hash of a value and a secret salt, then reveal them; useful for sealed bids, votes or games without front-running.
// keywords: commit, reveal, commitment, hash, keccak256, salt, secret, sealed, bid, front-running, frontrunning, hidden, random

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract CommitReveal {
    mapping(address => bytes32) public commitments;
    mapping(address => uint256) public revealed;
    mapping(address => bool) public hasRevealed;

    event Committed(address indexed who, bytes32 commitment);
    event Revealed(address indexed who, uint256 value);

    /// The commitment is keccak256(abi.encode(msg.sender, value, salt)), computed off-chain.
    function commit(bytes32 commitment) external {
        require(commitments[msg.sender] == bytes32(0), "already committed");
        commitments[msg.sender] = commitment;
        emit Committed(msg.sender, commitment);
    }

    function reveal(uint256 value, bytes32 salt) external {
        require(!hasRevealed[msg.sender], "already revealed");
        require(keccak256(abi.encode(msg.sender, value, salt)) == commitments[msg.sender], "does not match");
        hasRevealed[msg.sender] = true;
        revealed[msg.sender] = value;
        emit Revealed(msg.sender, value);
    }

    function commitmentFor(address who, uint256 value, bytes32 salt) external pure returns (bytes32) {
        return keccak256(abi.encode(who, value, salt));
    }
}
