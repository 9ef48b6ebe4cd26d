// title: Simple voting (ballot)
// description: A voting contract where the chairperson registers voters, each voter votes once for a proposal, and anyone can read the winning proposal.
// keywords: voting, vote, votes, ballot, election, proposal, proposals, chairperson, voter, winner, poll, governance

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract SimpleVoting {
    struct Proposal {
        string name;
        uint256 voteCount;
    }

    address public chairperson;
    Proposal[] public proposals;
    mapping(address => bool) public canVote;
    mapping(address => bool) public hasVoted;

    event Voted(address indexed voter, uint256 indexed proposal);

    constructor(string[] memory names) {
        require(names.length > 0, "no proposals");
        chairperson = msg.sender;
        for (uint256 i = 0; i < names.length; i++) {
            proposals.push(Proposal({name: names[i], voteCount: 0}));
        }
    }

    function giveRightToVote(address voter) external {
        require(msg.sender == chairperson, "only the chairperson");
        require(!hasVoted[voter], "already voted");
        canVote[voter] = true;
    }

    function vote(uint256 proposal) external {
        require(canVote[msg.sender], "no right to vote");
        require(!hasVoted[msg.sender], "already voted");
        require(proposal < proposals.length, "no such proposal");
        hasVoted[msg.sender] = true;
        proposals[proposal].voteCount += 1;
        emit Voted(msg.sender, proposal);
    }

    function winningProposal() public view returns (uint256 winner) {
        uint256 best = 0;
        for (uint256 i = 0; i < proposals.length; i++) {
            if (proposals[i].voteCount > best) {
                best = proposals[i].voteCount;
                winner = i;
            }
        }
    }

    function winnerName() external view returns (string memory) {
        return proposals[winningProposal()].name;
    }
}
