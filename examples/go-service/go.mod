module example.com/api

go 1.23.4
