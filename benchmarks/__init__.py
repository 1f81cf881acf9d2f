"""feedcore's benchmark suite, run by ``feedctl bench``: each scenario measures feedcore and a
raw baseline in the same run, against the same throwaway services. See README.md."""
