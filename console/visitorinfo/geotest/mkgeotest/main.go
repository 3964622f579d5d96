// Command mkgeotest writes the test location database of package geotest
// to the path it is given (the browser tests run it:
// go run ./console/visitorinfo/geotest/mkgeotest FILE).
package main

import (
	"fmt"
	"os"

	"github.com/switchboardhq/switchboard/console/visitorinfo/geotest"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkgeotest FILE.mmdb")
		os.Exit(2)
	}
	if err := geotest.Write(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
