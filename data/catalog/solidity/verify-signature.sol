// title: Verify a signed message (ecrecover)
// description: Verify that a message was signed by an address, using the Ethereum signed message prefix and ecrecover, rejecting malleable signatures.
// keywords: signature, signatures, verify, verification, ecrecover, signed, message, sign, signer, recover, eip191, ecdsa

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract VerifySignature {
    /// Half the secp256k1 order: signatures with a larger s are malleable copies.
    uint256 private constant HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    function messageHash(address to, uint256 amount, uint256 nonce) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(to, amount, nonce));
    }

    function ethSignedMessageHash(bytes32 hash) public pure returns (bytes32) {
        return keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", hash));
    }

    function recoverSigner(bytes32 hash, uint8 v, bytes32 r, bytes32 s) public pure returns (address) {
        require(uint256(s) <= HALF_ORDER, "malleable signature");
        require(v == 27 || v == 28, "bad v");
        address signer = ecrecover(hash, v, r, s);
        require(signer != address(0), "invalid signature");
        return signer;
    }

    function verify(
        address signer,
        address to,
        uint256 amount,
        uint256 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external pure returns (bool) {
        bytes32 hash = ethSignedMessageHash(messageHash(to, amount, nonce));
        return recoverSigner(hash, v, r, s) == signer;
    }
}
