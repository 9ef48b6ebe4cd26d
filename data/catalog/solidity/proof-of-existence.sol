// title: Proof of existence (document notarization)
// description: Record the hash of a document with the time it was first seen, so anyone can later prove the document existed then without publishing it.
// keywords: proof, existence, notary, notarize, notarization, document, hash, timestamp, certify, record, fingerprint, registry

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract ProofOfExistence {
    struct Proof {
        address by;
        uint256 timestamp;
    }

    mapping(bytes32 => Proof) public proofs;

    event Notarized(bytes32 indexed documentHash, address indexed by, uint256 timestamp);

    function notarize(bytes32 documentHash) external {
        require(proofs[documentHash].timestamp == 0, "already notarized");
        proofs[documentHash] = Proof({by: msg.sender, timestamp: block.timestamp});
        emit Notarized(documentHash, msg.sender, block.timestamp);
    }

    function isNotarized(bytes32 documentHash) external view returns (bool) {
        return proofs[documentHash].timestamp != 0;
    }
}
