// CASServer: see docs/design/cas.md. Sources arrive with the issue-4 work.
