;; The AST policy for TypeScript (format: docs/policy.md): the JavaScript
;; rules (those marked @lang javascript use JSX, which this grammar lacks),
;; plus what only TypeScript can say.
;;
;; @include javascript.scm

;; @rule ts.type-escape
;; @category other
;; @severity low
;; @message {} switches the type checker off for this line
((comment) @hit
  (#match? @hit "^//[[:space:]]*@ts-(ignore|nocheck|expect-error)"))
