;; The AST policy for JavaScript (format: docs/policy.md). TypeScript
;; includes this file (policy/typescript.scm); rules marked @lang javascript
;; use syntax the TypeScript grammar lacks (JSX).
;;
;; Severity says what a finding means for the verdict: high and critical
;; are policy violations (blocked), medium and low are advisories (warned).
;;
;; Name patterns (@names) are held against every reference after require(),
;; import, destructuring, aliases and computed access on the global object
;; are followed (see src/check/ast-ecma.c): `const {exec: run} =
;; require('node:child_process')` makes `run` child_process.exec, and
;; `globalThis['ev' + 'al']` is eval.

;; ---------------------------------------------------------------------
;; Code execution

;; @rule js.code-exec
;; @category code_injection
;; @severity critical
;; @cwe CWE-95
;; @message {} runs a string as JavaScript code
;; @names eval Function execScript vm.runInNewContext vm.runInThisContext vm.runInContext
;; @names vm.Script vm.compileFunction vm.SourceTextModule GeneratorFunction AsyncFunction
;; @names AsyncGeneratorFunction *.constructor.constructor *.__proto__.constructor.constructor
;; @names ShadowRealm inspector repl module._compile Module.prototype._compile require.extensions
;; @names v8.setFlagsFromString

;; @rule js.function-constructor
;; @category code_injection
;; @severity critical
;; @cwe CWE-95
;; @message the constructor of a function is the Function constructor, which compiles strings
((member_expression
   object: [(arrow_function) (function_expression) (generator_function)
            (parenthesized_expression [(arrow_function) (function_expression) (generator_function)])
            (call_expression function: (member_expression property: (property_identifier) @gp))]
   property: (property_identifier) @p) @hit
  (#eq? @p "constructor"))
((subscript_expression
   object: [(arrow_function) (function_expression) (generator_function)
            (parenthesized_expression [(arrow_function) (function_expression) (generator_function)])]
   index: (string (string_fragment) @p)) @hit
  (#eq? @p "constructor"))
((call_expression
   function: (member_expression property: (property_identifier) @p)
   arguments: (arguments . [(string) (template_string) (binary_expression)])) @hit
  (#eq? @p "constructor"))
((call_expression
   function: (subscript_expression index: (string (string_fragment) @p))
   arguments: (arguments . [(string) (template_string) (binary_expression)])) @hit
  (#eq? @p "constructor"))

;; @rule js.implied-eval
;; @category code_injection
;; @severity critical
;; @cwe CWE-95
;; @message {} with a string argument compiles that string as code
((call_expression
   function: (_) @f
   arguments: (arguments . [(string) (template_string) (binary_expression)])) @hit
  (#resolves-to? @f "setTimeout" "setInterval" "setImmediate" "execScript"))
((call_expression
   function: (_) @f
   arguments: (arguments . (identifier) @a)) @hit
  (#resolves-to? @f "setTimeout" "setInterval" "setImmediate")
  (#dynamic-string? @a))
((call_expression function: (_) @f arguments: (template_string)) @hit
  (#resolves-to? @f "setTimeout" "setInterval" "setImmediate" "eval" "Function"))

;; @rule js.eval-member
;; @category code_injection
;; @severity medium
;; @cwe CWE-95
;; @message {} looks like an evaluator of strings
;; @names *.eval *.globalEval *.evalScript *.runInContext *.runInNewContext *.runInThisContext

;; @rule js.dynamic-require
;; @category code_injection
;; @severity high
;; @cwe CWE-95
;; @message a module whose name is computed at run time is loaded ({})
;; @names <dynmod>

;; @rule js.reflection
;; @category reflection
;; @severity high
;; @cwe CWE-470
;; @message {} looks up a global or module member by a computed name
;; @names <dyn> process.<dyn> Reflect.<dyn> child_process.<dyn> fs.<dyn> module.<dyn> require.<dyn>

;; @rule js.process-internals
;; @category reflection
;; @severity critical
;; @cwe CWE-470
;; @message {} reaches the runtime's internals behind the module system
;; @names process.binding process._linkedBinding process.mainModule module.constructor
;; @names require.cache module.children process.moduleLoadList Module._load Module._resolveFilename

;; @rule js.resolution-limit
;; @category reflection
;; @severity high
;; @message a name here is bound or nested too many ways for the policy to follow
;; @names <deep>

;; ---------------------------------------------------------------------
;; Processes

;; @rule js.shell-command
;; @category process
;; @severity critical
;; @cwe CWE-78
;; @message {} runs a shell command
;; @names child_process.exec child_process.execSync shelljs.exec Bun.$ childProcess.exec
;; @names childProcess.execSync ChildProcess.exec ChildProcess.execSync
((call_expression
   function: (_) @f
   arguments: (arguments (object (pair key: (property_identifier) @k value: [(true) (string)])))) @hit
  (#eq? @k "shell")
  (#resolves-to? @f "child_process" "execa" "cross-spawn"))

;; @rule js.process-spawn
;; @category process
;; @severity high
;; @message {} starts or signals another process
;; @names child_process shelljs execa cross-spawn node-pty process.kill process.dlopen
;; @names childProcess ChildProcess
;; @names Deno.run Deno.Command Bun.spawn Bun.spawnSync worker_threads cluster.fork
;; @names cluster.setupPrimary cluster.setupMaster

;; ---------------------------------------------------------------------
;; Native code, deserialisation

;; @rule js.ffi
;; @category ffi
;; @severity high
;; @message {} calls native code
;; @names ffi-napi ffi node-ffi ref-napi Deno.dlopen bun:ffi

;; @rule js.deserialization
;; @category deserialization
;; @severity high
;; @cwe CWE-502
;; @message {} deserialises data that can run code
;; @names node-serialize serialize-to-js funcster v8.deserialize js-yaml.load.unsafe

;; ---------------------------------------------------------------------
;; Filesystem and network (blocked unless a deployment allows them)

;; @rule js.filesystem
;; @category filesystem
;; @severity high
;; @message {} touches the filesystem
;; @names fs fs-extra graceful-fs original-fs Deno.readTextFile Deno.writeTextFile Deno.readFile
;; @names Deno.writeFile Deno.open Deno.remove Deno.mkdir Deno.readDir Bun.file Bun.write

;; @rule js.path-traversal
;; @category other
;; @severity high
;; @cwe CWE-22
;; @message a file path comes from a value at run time ({})
((call_expression function: (_) @f arguments: (arguments . (_) @p)) @hit
  (#resolves-to? @f "fs" "fs-extra" "graceful-fs" "res.sendFile" "*.sendFile" "*.createReadStream")
  (#not-match? @p "^([\"'][^\"']*[\"']|`[^`$]*`)$"))

;; @rule js.network
;; @category network
;; @severity high
;; @message {} opens a network connection or server
;; @names http https http2 net dgram tls dns fetch XMLHttpRequest WebSocket EventSource
;; @names navigator.sendBeacon axios node-fetch got undici superagent ws socket.io
;; @names socket.io-client Deno.connect Deno.listen Deno.serve Bun.serve Bun.connect
;; @names Bun.listen RTCPeerConnection importScripts

;; @rule js.insecure-transport
;; @category crypto
;; @severity medium
;; @cwe CWE-319
;; @message {} fetches over plain http
((call_expression function: (_) @f arguments: (arguments . [(string) (template_string)] @u)) @hit
  (#resolves-to? @f "fetch" "axios" "axios.get" "axios.post" "http.get" "http.request" "$.get" "$.ajax" "jQuery.get")
  (#match? @u "^.http://"))

;; ---------------------------------------------------------------------
;; Injection into other languages, the DOM, messaging

;; @rule js.sql-injection
;; @category other
;; @severity high
;; @cwe CWE-89
;; @message SQL built from values at run time ({}); pass them as query parameters
((call_expression
   function: (member_expression property: (property_identifier) @m)
   arguments: (arguments . (_) @q)) @hit
  (#match? @m "^(query|execute|exec|run|all|get|prepare|raw|each)$")
  (#dynamic-string? @q "(?i)(select|insert|update|delete|drop|create|alter|replace)[[:space:]]"))

;; @rule js.xss
;; @category other
;; @severity medium
;; @cwe CWE-79
;; @message {} writes HTML from a value at run time
((assignment_expression
   left: (member_expression property: (property_identifier) @p)
   right: (_) @v) @hit
  (#any-of? @p "innerHTML" "outerHTML")
  (#not-match? @v "^([\"'][^\"']*[\"']|`[^`$]*`)$"))
((call_expression
   function: (member_expression property: (property_identifier) @p)
   arguments: (arguments (_) @v)) @hit
  (#any-of? @p "write" "writeln" "insertAdjacentHTML" "createContextualFragment" "setHTMLUnsafe")
  (#not-match? @v "^([\"'][^\"']*[\"']|`[^`$]*`|\"beforebegin\"|'beforebegin'|\"afterbegin\"|'afterbegin'|\"beforeend\"|'beforeend'|\"afterend\"|'afterend')$"))

;; @rule js.react-raw-html
;; @category other
;; @severity medium
;; @cwe CWE-79
;; @message dangerouslySetInnerHTML renders a value as raw HTML
;; @lang javascript
((jsx_attribute (property_identifier) @p) @hit
  (#eq? @p "dangerouslySetInnerHTML"))
((pair key: [(property_identifier) (string)] @p) @hit
  (#match? @p "^[\"']?dangerouslySetInnerHTML[\"']?$"))

;; @rule js.post-message-star
;; @category other
;; @severity medium
;; @cwe CWE-345
;; @message postMessage to any origin ("*") can leak the message to another site
((call_expression
   function: (member_expression property: (property_identifier) @p)
   arguments: (arguments (_) (string) @o)) @hit
  (#eq? @p "postMessage")
  (#match? @o "^[\"']\\*[\"']$"))

;; @rule js.new-buffer
;; @category other
;; @severity low
;; @cwe CWE-770
;; @message new Buffer() is deprecated: a number argument allocates, a string copies
((new_expression constructor: (identifier) @c) @hit
  (#eq? @c "Buffer"))

;; @rule js.unsafe-alloc
;; @category other
;; @severity low
;; @cwe CWE-908
;; @message {} returns memory that may still hold other data
;; @names Buffer.allocUnsafe Buffer.allocUnsafeSlow

;; @rule js.buffer-noassert
;; @category other
;; @severity low
;; @cwe CWE-119
;; @message noAssert = true turns off the bounds check of a Buffer read or write
((call_expression
   function: (member_expression property: (property_identifier) @p)
   arguments: (arguments (_) . (true) .)) @hit
  (#match? @p "^(read|write)(U?Int(8|16|32)|Float|Double|BigU?Int64)(LE|BE)?$"))

;; @rule js.regex-injection
;; @category other
;; @severity low
;; @cwe CWE-185
;; @message a regular expression is built from a value at run time (ReDoS)
((new_expression constructor: (identifier) @c arguments: (arguments . (_) @a)) @hit
  (#eq? @c "RegExp")
  (#not-match? @a "^([\"'][^\"']*[\"']|`[^`$]*`|/.*/[a-z]*)$"))
((call_expression function: (identifier) @c arguments: (arguments . (_) @a)) @hit
  (#eq? @c "RegExp")
  (#not-match? @a "^([\"'][^\"']*[\"']|`[^`$]*`|/.*/[a-z]*)$"))

;; ---------------------------------------------------------------------
;; Cryptography and secrets

;; @rule js.insecure-random
;; @category crypto
;; @severity low
;; @cwe CWE-338
;; @message {} is not a cryptographic random source; use crypto.randomBytes or getRandomValues
;; @names Math.random crypto.pseudoRandomBytes

;; @rule js.weak-hash
;; @category crypto
;; @severity medium
;; @cwe CWE-328
;; @message a broken hash ({}) is used; use SHA-256 or better
((call_expression function: (_) @f arguments: (arguments . [(string) (template_string)] @a)) @hit
  (#resolves-to? @f "crypto.createHash" "crypto.createHmac" "createHash")
  (#match? @a "(?i)md5|md4|sha1[^0-9]|sha-1|sha1.$"))

;; @rule js.weak-cipher
;; @category crypto
;; @severity high
;; @cwe CWE-327
;; @message a broken cipher or mode ({}) is used
;; @names crypto.createCipher crypto.createDecipher
((call_expression function: (_) @f arguments: (arguments . [(string) (template_string)] @a)) @hit
  (#resolves-to? @f "crypto.createCipheriv" "crypto.createDecipheriv" "crypto.createCipher" "crypto.createDecipher")
  (#match? @a "(?i)des|rc4|rc2|blowfish|bf-|-ecb"))

;; @rule js.tls-unverified
;; @category crypto
;; @severity high
;; @cwe CWE-295
;; @message TLS certificate checks are turned off ({})
((pair key: (property_identifier) @k value: (false)) @hit
  (#eq? @k "rejectUnauthorized"))
((assignment_expression left: (_) @l right: (string) @v) @hit
  (#match? @l "NODE_TLS_REJECT_UNAUTHORIZED")
  (#match? @v "0"))

;; @rule js.timing-compare
;; @category crypto
;; @severity low
;; @cwe CWE-208
;; @message a secret ({}) compared with ==/=== leaks its value through timing
((binary_expression left: (_) @l operator: ["==" "===" "!=" "!=="] right: (_) @r) @hit
  (#match? @l "(^|[._$])([Pp]assword|[Pp]asswd|[Ss]ecret|[Tt]oken|[Aa]pi_?[Kk]ey|[Hh]ash|[Ss]ignature|[Dd]igest|[Hh]mac|PASSWORD|SECRET|TOKEN|API_KEY)$|[a-z0-9](Password|Passwd|Secret|ApiKey|Signature|Hmac)$"))
((binary_expression left: (_) @l operator: ["==" "===" "!=" "!=="] right: (_) @r) @hit
  (#match? @r "(^|[._$])([Pp]assword|[Pp]asswd|[Ss]ecret|[Tt]oken|[Aa]pi_?[Kk]ey|[Hh]ash|[Ss]ignature|[Dd]igest|[Hh]mac|PASSWORD|SECRET|TOKEN|API_KEY)$|[a-z0-9](Password|Passwd|Secret|ApiKey|Signature|Hmac)$"))

;; @rule js.hardcoded-secret
;; @category secrets
;; @severity medium
;; @cwe CWE-798
;; @message a credential is written into the code; read it from the environment
((variable_declarator name: (identifier) @k value: [(string) (template_string)] @v) @hit
  (#match? @k "(?i)(passw(or)?d|passwd|pwd|secret|api_?key|apikey|access_?key|auth_?token|private_?key|client_?secret|token)$")
  (#not-match? @v "^([\"'`])[\"'`]$"))
((pair key: [(property_identifier) (string)] @k value: [(string) (template_string)] @v) @hit
  (#match? @k "(?i)(passw(or)?d|passwd|pwd|secret|api_?key|apikey|access_?key|auth_?token|private_?key|client_?secret|token)[\"']?$")
  (#not-match? @v "^([\"'`])[\"'`]$"))
((assignment_expression left: [(identifier) (member_expression)] @k right: [(string) (template_string)] @v) @hit
  (#match? @k "(?i)(passw(or)?d|passwd|pwd|secret|api_?key|apikey|access_?key|auth_?token|private_?key|client_?secret|token)$")
  (#not-match? @v "^([\"'`])[\"'`]$"))

;; @rule js.embedded-key
;; @category secrets
;; @severity high
;; @cwe CWE-798
;; @message a private key or cloud credential is embedded in a string
(([(string) (template_string)]) @hit
  (#match? @hit "-----BEGIN ([A-Z]+ )?PRIVATE KEY-----|AIza[0-9A-Za-z_-]{35}|ya29\\.[0-9A-Za-z_-]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|sk_live_[0-9a-zA-Z]{24}|xox[baprs]-[0-9A-Za-z-]{10,}"))

;; ---------------------------------------------------------------------
;; Source text

;; @rule js.trojan-source
;; @category other
;; @severity high
;; @cwe CWE-451
;; @message {} in the source makes it read differently from how it runs
;; @check trojan-source
