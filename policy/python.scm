;; The AST policy for Python (format: docs/policy.md).
;;
;; Severity says what a finding means for the verdict: high and critical
;; are policy violations (blocked), medium and low are advisories (warned).
;; The categories filesystem and network are blocked like the rest; a
;; deployment that wants them names them in checks.allow_categories.
;;
;; Name patterns (@names) are held against every reference after aliases,
;; imports, getattr(), globals()[...] and __import__() are followed (see
;; src/check/ast-python.c): `from os import system as s; s(x)` is os.system.

;; ---------------------------------------------------------------------
;; Code execution

;; @rule py.code-exec
;; @category code_injection
;; @severity critical
;; @cwe CWE-95
;; @message {} runs a string as Python code
;; @names eval exec compile execfile runpy code.interact code.InteractiveInterpreter
;; @names code.InteractiveConsole code.compile_command timeit.timeit timeit.repeat
;; @names timeit.Timer pdb.run pdb.runeval pdb.runcall types.CodeType types.FunctionType
(exec_statement) @hit

;; @rule py.dynamic-import
;; @category code_injection
;; @severity high
;; @cwe CWE-470
;; @message {} imports a module chosen at run time
;; @names __import__ importlib.import_module importlib.__import__ importlib.util
;; @names importlib.machinery importlib.reload imp zipimport <dynmod> __loader__
;; @names *.load_module *.exec_module

;; @rule py.reflection
;; @category reflection
;; @severity high
;; @cwe CWE-470
;; @message {} looks up a builtin or module attribute by a computed name
;; @names <dyn> os.<dyn> subprocess.<dyn> sys.<dyn> importlib.<dyn> ctypes.<dyn> pickle.<dyn>
;; @names marshal.<dyn> shutil.<dyn> socket.<dyn> posix.<dyn> pty.<dyn> io.<dyn>

;; @rule py.builtins-access
;; @category reflection
;; @severity high
;; @cwe CWE-470
;; @message {} reaches into the builtins namespace
;; @names __builtins__ builtins __builtin__

;; @rule py.introspection-escape
;; @category reflection
;; @severity critical
;; @cwe CWE-94
;; @message {} walks the object graph to reach what the code was not given
;; @names *.__subclasses__ *.__globals__ *.__builtins__ *.__bases__ *.__base__ *.__mro__
;; @names *.__code__ *.__closure__ *.f_globals *.f_locals *.f_builtins *.f_back *.gi_frame
;; @names *.gi_code *.cr_frame *.ag_frame *.tb_frame *.mro sys._getframe inspect.currentframe
;; @names inspect.stack inspect.getouterframes inspect.trace gc.get_objects gc.get_referrers
;; @names gc.get_referents
((attribute attribute: (identifier) @a) @hit
  (#any-of? @a "__subclasses__" "__globals__" "__builtins__" "__bases__" "__base__" "__mro__"
               "__code__" "__closure__" "f_globals" "f_locals" "f_builtins" "f_back"
               "gi_frame" "gi_code" "cr_frame" "ag_frame" "tb_frame"))

;; @rule py.resolution-limit
;; @category reflection
;; @severity high
;; @message a name here is bound or nested too many ways for the policy to follow
;; @names <deep>

;; ---------------------------------------------------------------------
;; Processes

;; @rule py.shell-command
;; @category process
;; @severity critical
;; @cwe CWE-78
;; @message {} runs a shell command
;; @names os.system os.popen os.popen2 os.popen3 os.popen4 commands popen2 platform.popen
;; @names subprocess.getoutput subprocess.getstatusoutput asyncio.create_subprocess_shell
;; @names system popen
((call
   function: (_) @f
   arguments: (argument_list
     (keyword_argument name: (identifier) @k value: (_) @v))) @hit
  (#eq? @k "shell")
  (#not-any-of? @v "False" "None" "0")
  (#resolves-to? @f "subprocess" "*.subprocess_shell" "*.subprocess_exec" "plumbum"))

;; @rule py.process-spawn
;; @category process
;; @severity high
;; @message {} starts or signals another process
;; @names subprocess os.exec* os.spawn* os.posix_spawn* os.fork os.forkpty os.kill os.killpg
;; @names os.startfile pty asyncio.create_subprocess_exec pexpect plumbum multiprocessing.Process
;; @names signal.pthread_kill

;; ---------------------------------------------------------------------
;; Deserialisation, native code

;; @rule py.deserialization
;; @category deserialization
;; @severity high
;; @cwe CWE-502
;; @message {} deserialises data that can run code
;; @names pickle.load pickle.loads pickle.Unpickler cPickle.load cPickle.loads cPickle.Unpickler
;; @names _pickle.load _pickle.loads _pickle.Unpickler dill.load dill.loads dill.Unpickler
;; @names cloudpickle.load cloudpickle.loads marshal.load marshal.loads shelve.open
;; @names shelve.DbfilenameShelf shelve.Shelf jsonpickle.decode jsonpickle.loads
;; @names jsonpickle.unpickler torch.load joblib.load pandas.read_pickle pd.read_pickle
;; @names yaml.unsafe_load yaml.unsafe_load_all yaml.UnsafeLoader yaml.Loader
;; @names keras.models.load_model

;; @rule py.yaml-load
;; @category deserialization
;; @severity high
;; @cwe CWE-502
;; @message yaml.load without a safe loader can construct arbitrary objects
((call function: (_) @f arguments: (argument_list) @args) @hit
  (#resolves-to? @f "yaml.load" "yaml.load_all" "yaml.full_load" "yaml.full_load_all")
  (#not-match? @args "SafeLoader|CSafeLoader|BaseLoader"))

;; @rule py.ffi
;; @category ffi
;; @severity high
;; @message {} calls native code outside the interpreter's safety
;; @names ctypes _ctypes cffi ctypes.util

;; ---------------------------------------------------------------------
;; Filesystem and network (blocked unless a deployment allows them)

;; @rule py.filesystem
;; @category filesystem
;; @severity high
;; @message {} touches the filesystem
;; @names open io.open io.FileIO os.open os.fdopen os.remove os.unlink os.rmdir os.removedirs
;; @names os.rename os.renames os.replace os.mkdir os.makedirs os.chmod os.fchmod os.lchmod
;; @names os.chown os.fchown os.lchown os.symlink os.link os.listdir os.scandir os.walk os.fwalk
;; @names os.truncate os.mkfifo os.mknod os.chdir os.chroot os.utime os.access os.stat os.lstat
;; @names shutil tempfile glob fileinput codecs.open tarfile zipfile mmap aiofiles
;; @names pathlib.Path.open *.read_text *.write_text *.read_bytes *.write_bytes *.touch
;; @names *.iterdir *.rglob *.symlink_to *.hardlink_to *.unlink *.rmdir
;; @names posix.open posix.remove posix.unlink

;; @rule py.network
;; @category network
;; @severity high
;; @message {} opens a network connection or server
;; @names socket ssl urllib urllib2 urllib3 http.client http.server httplib requests httpx
;; @names aiohttp ftplib telnetlib smtplib poplib imaplib nntplib xmlrpc socketserver
;; @names asyncio.open_connection asyncio.start_server asyncio.open_unix_connection
;; @names websocket websockets paramiko pycurl twisted grpc webbrowser dns.resolver
;; @names requests_html tornado.httpclient asyncssh

;; ---------------------------------------------------------------------
;; Injection into other languages

;; @rule py.sql-injection
;; @category other
;; @severity high
;; @cwe CWE-89
;; @message SQL built from values at run time ({}); pass them as query parameters
((call
   function: (attribute attribute: (identifier) @m)
   arguments: (argument_list . (_) @q)) @hit
  (#any-of? @m "execute" "executemany" "executescript" "mogrify" "raw" "read_sql"
               "read_sql_query" "query" "exec" "exec_driver_sql")
  (#dynamic-string? @q "(?i)(select|insert|update|delete|drop|create|alter|replace|pragma|grant|show|truncate|attach)[[:space:]]"))

;; @rule py.sql-built
;; @category other
;; @severity medium
;; @cwe CWE-89
;; @message SQL text built from values at run time ({}); use query parameters
([(binary_operator operator: ["%" "+"])
  (call function: (attribute attribute: (identifier) @fm))
  (string (interpolation))] @hit
  (#any-of? @fm "format" "format_map")
  (#dynamic-string? @hit "(?i)^[^a-z]*(select[[:space:]].*[[:space:]]from|insert[[:space:]]+into|update[[:space:]].*[[:space:]]set|delete[[:space:]]+from|drop[[:space:]]+(table|database|trigger|index)|create[[:space:]]+(table|user|database|index)|alter[[:space:]]+table|show[[:space:]]+(tables|columns|databases))[[:space:]]"))

;; @rule py.command-built
;; @category other
;; @severity medium
;; @cwe CWE-78
;; @message a command line built from values at run time ({}); pass an argument list instead
((call function: [(identifier) @fn (attribute attribute: (identifier) @fn)]
       arguments: (argument_list . (_) @c)) @hit
  (#match? @fn "(?i)(^|_)(cmd|command|run|exec|execute|ssh|shell|system|popen|spawn|call|check_output|check_call)(_|$)")
  (#dynamic-string? @c))
((assignment left: (identifier) @k right: (_) @c) @hit
  (#match? @k "(?i)(^|_)(cmd|command|cmdline|cmd_line|command_line|shell_cmd|cmd_str)s?$")
  (#dynamic-string? @c))

;; @rule py.xss
;; @category other
;; @severity medium
;; @cwe CWE-79
;; @message HTML built from values at run time with no escaping in sight ({})
((call function: (_) @f arguments: (argument_list . (_) @v)) @hit
  (#resolves-to? @f "Markup" "markupsafe.Markup" "flask.Markup" "mark_safe"
                    "django.utils.safestring.mark_safe" "render_template_string"
                    "flask.render_template_string" "HttpResponse" "*.HttpResponse")
  (#dynamic-string? @v)
  (#not-scope-match? @hit "escape|sanitiz|bleach|clean"))
([(binary_operator operator: ["%" "+"])
  (call function: (attribute attribute: (identifier) @fm))
  (string (interpolation))] @hit
  (#any-of? @fm "format" "format_map")
  (#dynamic-string? @hit "(?i)<(html|body|div|span|p|a|script|table|tr|td|li|ul|h[1-6]|img|form|input|b|i|pre|br)[[:space:]/>]")
  (#not-scope-match? @hit "escape|sanitiz|bleach|clean|quote"))

;; @rule py.template-autoescape
;; @category other
;; @severity medium
;; @cwe CWE-79
;; @message a Jinja2 environment without autoescape renders values as raw HTML
((call function: (_) @f arguments: (argument_list) @args) @hit
  (#resolves-to? @f "jinja2.Environment" "jinja2.Template" "Environment")
  (#not-match? @args "autoescape[[:space:]]*=[[:space:]]*(True|select_autoescape)"))

;; @rule py.path-traversal
;; @category other
;; @severity high
;; @cwe CWE-22
;; @message a path built from values at run time with no containment check ({})
((call function: (_) @f arguments: (argument_list) @args) @hit
  (#resolves-to? @f "open" "io.open" "os.open" "os.remove" "os.unlink" "os.rmdir" "shutil"
                    "os.path.join" "send_file" "flask.send_file" "send_from_directory"
                    "flask.send_from_directory" "*.read_text" "*.write_text")
  (#not-match? @args "^\\(([[:space:]]*[bruf]*(\"[^\"]*\"|'[^']*')[[:space:]]*,?)*[[:space:]]*\\)$")
  (#not-scope-match? @hit "realpath|abspath|normpath|commonprefix|commonpath|secure_filename|safe_join|basename|is_relative_to|relative_to|startswith|validate|sanitiz|check_path|within"))

;; @rule py.xml-entities
;; @category other
;; @severity low
;; @cwe CWE-611
;; @message {} parses XML with entity expansion on; use defusedxml
;; @names xml.etree.ElementTree.parse xml.etree.ElementTree.fromstring xml.etree.ElementTree.XML
;; @names xml.etree.cElementTree xml.dom.minidom.parse xml.dom.minidom.parseString
;; @names xml.sax.parse xml.sax.parseString xml.dom.pulldom lxml.etree.parse
;; @names lxml.etree.fromstring lxml.etree.XML

;; ---------------------------------------------------------------------
;; Cryptography and secrets

;; @rule py.weak-hash
;; @category crypto
;; @severity medium
;; @cwe CWE-328
;; @message {} is a broken hash; use SHA-256 or better (or usedforsecurity=False)
;; @names md5.new sha.new Crypto.Hash.MD5 Crypto.Hash.MD4 Crypto.Hash.SHA Cryptodome.Hash.MD5
;; @names cryptography.hazmat.primitives.hashes.MD5 cryptography.hazmat.primitives.hashes.SHA1
((call function: (_) @f arguments: (argument_list) @args) @hit
  (#resolves-to? @f "hashlib.md5" "hashlib.sha1" "hashlib.md4")
  (#not-match? @args "usedforsecurity[[:space:]]*=[[:space:]]*False"))
((call function: (_) @f arguments: (argument_list . (string) @a)) @hit
  (#resolves-to? @f "hashlib.new")
  (#match? @a "(?i)md5|md4|sha1|sha-1"))

;; @rule py.weak-cipher
;; @category crypto
;; @severity high
;; @cwe CWE-327
;; @message {} is a broken cipher or mode
;; @names Crypto.Cipher.DES Crypto.Cipher.ARC4 Crypto.Cipher.ARC2 Crypto.Cipher.Blowfish
;; @names Crypto.Cipher.XOR Cryptodome.Cipher.DES Cryptodome.Cipher.ARC4 *.MODE_ECB *.modes.ECB
;; @names cryptography.hazmat.primitives.ciphers.algorithms.ARC4
;; @names cryptography.hazmat.primitives.ciphers.algorithms.TripleDES
;; @names cryptography.hazmat.primitives.ciphers.algorithms.Blowfish ssl.PROTOCOL_SSLv2
;; @names ssl.PROTOCOL_SSLv3 ssl.PROTOCOL_TLSv1 ssl.PROTOCOL_TLSv1_1

;; @rule py.tls-unverified
;; @category crypto
;; @severity high
;; @cwe CWE-295
;; @message TLS certificate checks are turned off ({})
;; @names ssl._create_unverified_context ssl.CERT_NONE urllib3.disable_warnings
((keyword_argument name: (identifier) @k value: (false)) @hit
  (#any-of? @k "verify" "verify_ssl" "check_hostname" "validate_certs"))
((assignment left: (attribute attribute: (identifier) @k) right: (false)) @hit
  (#eq? @k "check_hostname"))

;; @rule py.insecure-random
;; @category crypto
;; @severity low
;; @cwe CWE-338
;; @message {} is not a cryptographic random source; use the secrets module for tokens
;; @names random.random random.randint random.randrange random.choice random.choices
;; @names random.shuffle random.sample random.uniform random.getrandbits random.seed
;; @names random.triangular random.gauss random.betavariate random.Random numpy.random.seed

;; @rule py.hardcoded-secret
;; @category secrets
;; @severity medium
;; @cwe CWE-798
;; @message a credential is written into the code; read it from the environment
((assignment left: [(identifier) (attribute)] @k right: (string) @v) @hit
  (#match? @k "(?i)(passw(or)?d|passwd|pwd|secret|api_?key|apikey|access_?key|auth_?token|private_?key|client_?secret|token)$")
  (#not-match? @v "^[bruf]*(\"\"|'')$"))
((keyword_argument name: (identifier) @k value: (string) @v) @hit
  (#match? @k "(?i)^(passw(or)?d|passwd|pwd|secret|api_?key|apikey|access_?key|auth_?token|private_?key|client_?secret|token)$")
  (#not-match? @v "^[bruf]*(\"\"|'')$"))
((pair key: (string) @k value: (string) @v) @hit
  (#match? @k "(?i)(passw(or)?d|passwd|pwd|secret|api_?key|apikey|access_?key|auth_?token|private_?key|client_?secret|token)[\"']$")
  (#not-match? @v "^[bruf]*(\"\"|'')$"))
((assignment left: (subscript subscript: (string) @k) right: (string) @v) @hit
  (#match? @k "(?i)(passw(or)?d|passwd|pwd|secret|api_?key|apikey|access_?key|auth_?token|private_?key|client_?secret|token)[\"']$")
  (#not-match? @v "^[bruf]*(\"\"|'')$"))

;; @rule py.embedded-key
;; @category secrets
;; @severity high
;; @cwe CWE-798
;; @message a private key or cloud credential is embedded in a string
((string) @hit
  (#match? @hit "-----BEGIN ([A-Z]+ )?PRIVATE KEY-----|AIza[0-9A-Za-z_-]{35}|ya29\\.[0-9A-Za-z_-]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|sk_live_[0-9a-zA-Z]{24}|xox[baprs]-[0-9A-Za-z-]{10,}"))

;; ---------------------------------------------------------------------
;; Source text

;; @rule py.trojan-source
;; @category other
;; @severity high
;; @cwe CWE-451
;; @message {} in the source makes it read differently from how it runs
;; @check trojan-source
