module ladder.local/tools/apiserver-sites

go 1.24
