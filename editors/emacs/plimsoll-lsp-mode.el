;;; plimsoll-lsp-mode.el --- Plimsoll's language server in lsp-mode  -*- lexical-binding: t; -*-

;; Add to your init file after lsp-mode is loaded, or
;; (with-eval-after-load 'lsp-mode (load "/path/to/plimsoll/editors/emacs/plimsoll-lsp-mode.el")).
;; Needs a Dockerfile mode: dockerfile-ts-mode (Emacs 29+) or dockerfile-mode (MELPA).
;; Server log: the *plimsoll::stderr* buffer; M-x lsp-toggle-trace-io for the messages.

(require 'lsp-mode)

;; Every file name Plimsoll checks opens in a Dockerfile mode: Dockerfile, Containerfile,
;; Dockerfile.*, Containerfile.*, *.Dockerfile, *.dockerfile, *.Containerfile.
(add-to-list 'auto-mode-alist
             (cons "\\(?:\\`\\|/\\)\\(?:\\(?:Dockerfile\\|Containerfile\\)\\(?:\\.[^/]*\\)?\\|[^/]+\\.\\(?:[Dd]ockerfile\\|Containerfile\\)\\)\\'"
                   (if (and (fboundp 'treesit-ready-p) (treesit-ready-p 'dockerfile t))
                       'dockerfile-ts-mode
                     'dockerfile-mode)))
(add-to-list 'lsp-language-id-configuration '(dockerfile-mode . "dockerfile"))
(add-to-list 'lsp-language-id-configuration '(dockerfile-ts-mode . "dockerfile"))

(defgroup lsp-plimsoll nil
  "Plimsoll, the Dockerfile analyzer. Empty settings mean: plimsoll.toml, else the defaults."
  :group 'lsp-mode
  :prefix "lsp-plimsoll-")

(defcustom lsp-plimsoll-server-command '("plimsoll" "server")
  "The command that starts the Plimsoll language server."
  :type '(repeat string))

(defcustom lsp-plimsoll-select nil
  "Rules to enable instead of the configured ones: codes or prefixes, such as (\"DL3\" \"PL5\")."
  :type '(repeat string))

(defcustom lsp-plimsoll-extend-select nil
  "Rules to enable on top of the selected ones, such as (\"PL504\")."
  :type '(repeat string))

(defcustom lsp-plimsoll-ignore nil
  "Rules to disable, such as (\"DL3007\")."
  :type '(repeat string))

(defcustom lsp-plimsoll-severity nil
  "Severity by rule code, such as ((\"DL3007\" . \"error\"))."
  :type '(alist :key-type string
                :value-type (choice (const "error") (const "warning") (const "info") (const "style"))))

(defcustom lsp-plimsoll-context nil
  "Build context folder, absolute or relative to the project root; nil: each Dockerfile's folder."
  :type '(choice (const nil) string))

(defcustom lsp-plimsoll-config nil
  "A plimsoll.toml to use; nil: the one found upward from each Dockerfile."
  :type '(choice (const nil) string))

;; The `plimsoll' section the server asks for with workspace/configuration.
(lsp-register-custom-settings
 `(("plimsoll.select" ,(lambda () (vconcat lsp-plimsoll-select)))
   ("plimsoll.extendSelect" ,(lambda () (vconcat lsp-plimsoll-extend-select)))
   ("plimsoll.ignore" ,(lambda () (vconcat lsp-plimsoll-ignore)))
   ("plimsoll.severity" ,(lambda ()
                           (let ((table (make-hash-table :test #'equal)))
                             (dolist (entry lsp-plimsoll-severity table)
                               (puthash (car entry) (cdr entry) table)))))
   ("plimsoll.context" lsp-plimsoll-context)
   ("plimsoll.config" lsp-plimsoll-config)))

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection (lambda () lsp-plimsoll-server-command))
  :activation-fn (lsp-activate-on "dockerfile")
  :server-id 'plimsoll
  ;; Chosen over docker-langserver; use `:add-on? t' instead to run both.
  :priority 1
  :initialization-options (lambda () (lsp-configuration-section "plimsoll"))))

(add-hook 'dockerfile-mode-hook #'lsp-deferred)
(add-hook 'dockerfile-ts-mode-hook #'lsp-deferred)
