;; The AST policy for Solidity (format: docs/policy.md).
;;
;; Severity says what a finding means for the verdict: high and critical
;; are policy violations (blocked), medium and low are advisories (warned).
;; The CWE of each rule follows the SWC registry's mapping.
;;
;; The grammar wraps every expression in an (expression ...) node; the
;; patterns below spell that out. Two rules are checks in C
;; (src/check/ast-checks.c): reentrancy (state written after an external
;; call) and unused call results.

;; ---------------------------------------------------------------------
;; Value transfer and external calls

;; @rule sol.reentrancy
;; @category solidity_reentrancy
;; @severity high
;; @cwe CWE-841
;; @message external call before the contract's state ({}) is updated: reentrancy
;; @check reentrancy

;; @rule sol.unchecked-call
;; @category solidity_unchecked_call
;; @severity high
;; @cwe CWE-252
;; @message the result of a low-level call is ignored; a failed call goes unnoticed
((expression_statement (expression (call_expression function: (expression) @f))) @hit
  (#match? @f "\\.(call|send|delegatecall|callcode|staticcall)([^A-Za-z0-9_$]|$)"))
((expression_statement (expression (member_expression) @f)) @hit
  (#match? @f "\\.(call|send)\\.(value|gas)$"))

;; @rule sol.unchecked-call-result
;; @category solidity_unchecked_call
;; @severity high
;; @cwe CWE-252
;; @message the success flag of a low-level call ({}) is never read
;; @check unused-result

;; @rule sol.delegatecall
;; @category solidity_delegatecall
;; @severity high
;; @cwe CWE-829
;; @message delegatecall runs another contract's code with this contract's storage
((member_expression property: (identifier) @p) @hit
  (#any-of? @p "delegatecall" "callcode"))

;; @rule sol.selfdestruct
;; @category solidity_selfdestruct
;; @severity high
;; @cwe CWE-284
;; @message {} destroys the contract and sends its balance away
((call_expression function: (expression (identifier) @f)) @hit
  (#any-of? @f "selfdestruct" "suicide"))

;; ---------------------------------------------------------------------
;; Access control

;; @rule sol.tx-origin
;; @category solidity_tx_origin
;; @severity high
;; @cwe CWE-477
;; @message tx.origin for authorisation can be phished through another contract; use msg.sender
((member_expression object: (identifier) @o property: (identifier) @p) @hit
  (#eq? @o "tx")
  (#eq? @p "origin"))

;; @rule sol.unprotected-owner
;; @category solidity_access_control
;; @severity medium
;; @cwe CWE-284
;; @message a function sets the owner ({}) with no visible access check
((function_definition
   body: (function_body
     (statement (expression_statement (expression (assignment_expression
       left: (expression [(identifier) @o (array_access base: (expression (identifier) @o))]))))))) @hit
  (#match? @o "^_?(owner|owners|admin|admins|administrator|creator)$")
  (#not-match? @hit "only|require[[:space:]]*\\(|assert[[:space:]]*\\(|if[[:space:]]*\\(|[[:space:]](internal|private)[[:space:]]|^function[[:space:]]+[A-Z]"))

;; @rule sol.constructor-name
;; @category solidity_access_control
;; @severity high
;; @cwe CWE-284
;; @message {} is not the constructor it looks like: anyone can call it
;; @check constructor-name

;; @rule sol.arbitrary-send
;; @category solidity_access_control
;; @severity medium
;; @cwe CWE-284
;; @message ether goes to the caller from a function with no visible check ({})
((call_expression
   function: (expression (member_expression object: (expression) @to property: (identifier) @p))) @hit
  (#any-of? @p "transfer" "send")
  (#match? @to "^(msg\\.sender|tx\\.origin)$")
  (#not-scope-match? @hit "require[[:space:]]*\\(|assert[[:space:]]*\\(|if[[:space:]]*\\(|only|[[:space:]](internal|private)[[:space:]]|^constructor|^function[[:space:]]+[A-Z]"))

;; ---------------------------------------------------------------------
;; Code

;; @rule sol.inline-assembly
;; @category solidity_assembly
;; @severity medium
;; @message inline assembly bypasses the compiler's safety checks
(assembly_statement) @hit

;; @rule sol.arithmetic
;; @category solidity_arithmetic
;; @severity low
;; @cwe CWE-190
;; @message {} can overflow: this pragma predates checked arithmetic (0.8)
((augmented_assignment_expression right: (expression) @r) @hit
  (#not-match? @r "^[0-9]")
  (#file-match? @hit "pragma[[:space:]]+solidity[^;]*0\\.[4-7]\\."))
((binary_expression left: (expression) @l operator: ["+" "-" "*"] right: (expression) @r) @hit
  (#not-match? @l "^[0-9]")
  (#not-match? @r "^[0-9]")
  (#file-match? @hit "pragma[[:space:]]+solidity[^;]*0\\.[4-7]\\."))

;; ---------------------------------------------------------------------
;; Randomness and time

;; @rule sol.weak-randomness
;; @category solidity_randomness
;; @severity medium
;; @cwe CWE-330
;; @message {} is public chain data that a miner or caller can predict
((member_expression object: (identifier) @o property: (identifier) @p) @hit
  (#eq? @o "block")
  (#any-of? @p "blockhash" "difficulty" "prevrandao" "coinbase"))
((call_expression function: (expression (identifier) @f)) @hit
  (#eq? @f "blockhash"))
((call_expression function: (expression (identifier) @f)) @hit
  (#any-of? @f "keccak256" "sha3" "sha256")
  (#match? @hit "block\\.(timestamp|number)|[^A-Za-z0-9_]now[^A-Za-z0-9_]"))
((binary_expression operator: "%" right: (_)) @hit
  (#match? @hit "block\\.(timestamp|number)|^now[^A-Za-z0-9_]|[^A-Za-z0-9_]now[^A-Za-z0-9_]"))

;; @rule sol.timestamp
;; @category solidity_timestamp
;; @severity low
;; @cwe CWE-829
;; @message {} can be nudged by the block's miner
((member_expression object: (identifier) @o property: (identifier) @p) @hit
  (#eq? @o "block")
  (#eq? @p "timestamp"))
((expression (identifier) @hit)
  (#eq? @hit "now"))

;; ---------------------------------------------------------------------
;; Deprecated constructs

;; @rule sol.deprecated
;; @category other
;; @severity low
;; @cwe CWE-477
;; @message {} is deprecated
((call_expression function: (expression (identifier) @f)) @hit
  (#any-of? @f "sha3" "suicide"))
((expression_statement (expression (identifier) @hit))
  (#eq? @hit "throw"))
((member_expression object: (identifier) @o property: (identifier) @p) @hit
  (#eq? @o "msg")
  (#eq? @p "gas"))

;; ---------------------------------------------------------------------
;; Source text

;; @rule sol.trojan-source
;; @category other
;; @severity high
;; @cwe CWE-451
;; @message {} in the source makes it read differently from how it runs
;; @check trojan-source
