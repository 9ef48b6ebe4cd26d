contract Empty {
    uint256 public constant VERSION = 1;
}
