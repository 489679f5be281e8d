// Package idcheck validates Chinese identifiers: unified social credit codes,
// resident ID numbers, mobile and landline numbers, and bank account numbers.
package idcheck

import (
	"regexp"
	"strings"
)

const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCC checks an 18-character unified social credit code (GB 32100-2015), including its
// check character.
func USCC(code string) bool {
	if len(code) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, code[i])
		if v < 0 {
			return false
		}
		sum += v * usccWeights[i]
	}
	check := (31 - sum%31) % 31
	return code[17] == usccAlphabet[check]
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idChecks = "10X98765432"

// ResidentID checks an 18-digit resident identity card number (GB 11643), including its
// ISO 7064 MOD 11-2 check character.
func ResidentID(id string) bool {
	if len(id) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * idWeights[i]
	}
	last := id[17]
	if last == 'x' {
		last = 'X'
	}
	return last == idChecks[sum%11]
}

var mobileRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
var landlineRE = regexp.MustCompile(`^(0[0-9]{2,3}-?)?[2-9][0-9]{6,7}(-[0-9]{1,6})?$`)
var serviceRE = regexp.MustCompile(`^(400|800)-?[0-9]{3}-?[0-9]{4}$`)

// Mobile checks a mainland mobile number (11 digits starting 13–19).
func Mobile(s string) bool { return mobileRE.MatchString(strings.TrimPrefix(s, "+86")) }

// Phone accepts a mobile, a landline with optional area code and extension, or a
// 400/800 service number.
func Phone(s string) bool {
	return Mobile(s) || landlineRE.MatchString(s) || serviceRE.MatchString(s)
}

// BankAccount checks a bank account number: 8 to 30 digits (spaces allowed).
func BankAccount(s string) bool {
	d := strings.ReplaceAll(s, " ", "")
	if len(d) < 8 || len(d) > 30 {
		return false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// BankCard checks a personal debit card number: 16 to 19 digits passing the Luhn check.
func BankCard(s string) bool {
	d := strings.ReplaceAll(s, " ", "")
	if len(d) < 16 || len(d) > 19 || !BankAccount(d) {
		return false
	}
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// Digits removes spaces from an account number for storage.
func Digits(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), " ", "") }
