module linuxns/bench/go-helper

go 1.19
