;;; plimsoll-eglot.el --- Plimsoll's language server in Eglot  -*- lexical-binding: t; -*-

;; Add to your init file, or (load "/path/to/plimsoll/editors/emacs/plimsoll-eglot.el").
;; Needs Eglot (built in from Emacs 29) and a Dockerfile mode: dockerfile-ts-mode (Emacs 29+,
;; with the tree-sitter grammar) or dockerfile-mode (MELPA). Server log: M-x eglot-events-buffer,
;; and the server's stderr in the *EGLOT (…) stderr* buffer.

;; Every file name Plimsoll checks opens in a Dockerfile mode: Dockerfile, Containerfile,
;; Dockerfile.*, Containerfile.*, *.Dockerfile, *.dockerfile, *.Containerfile.
(add-to-list 'auto-mode-alist
             (cons "\\(?:\\`\\|/\\)\\(?:\\(?:Dockerfile\\|Containerfile\\)\\(?:\\.[^/]*\\)?\\|[^/]+\\.\\(?:[Dd]ockerfile\\|Containerfile\\)\\)\\'"
                   (if (and (fboundp 'treesit-ready-p) (treesit-ready-p 'dockerfile t))
                       'dockerfile-ts-mode
                     'dockerfile-mode)))

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((dockerfile-mode dockerfile-ts-mode)
                 . ("plimsoll" "server"
                    ;; Optional: settings, as in plimsoll.toml, such as
                    ;; (:ignore ["DL3007"] :severity (:DL3025 "error")). Empty or missing keys
                    ;; mean "use plimsoll.toml, else the defaults". Per project, set
                    ;; `eglot-workspace-configuration' to (:plimsoll (...)) in .dir-locals.el.
                    :initializationOptions (:ignore [])))))

(add-hook 'dockerfile-mode-hook #'eglot-ensure)
(add-hook 'dockerfile-ts-mode-hook #'eglot-ensure)
