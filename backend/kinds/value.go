package kinds

import (
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"

	"crowsnest/backend/model"
)

// Number reads a cell of a numeric column type (integer, number, quantity,
// duration, timestamp, boolean) as a number to sort by; ok is false for
// text columns, empty cells and cells that do not parse, which sort before
// every number.
func Number(typ, cell string) (n float64, ok bool) {
	if cell == "" {
		return 0, false
	}
	switch typ {
	case model.TypeInteger, model.TypeTimestamp:
		i, err := strconv.ParseInt(cell, 10, 64)
		return float64(i), err == nil
	case model.TypeNumber:
		f, err := strconv.ParseFloat(cell, 64)
		return f, err == nil
	case model.TypeBoolean:
		b, err := strconv.ParseBool(cell)
		if b {
			return 1, err == nil
		}
		return 0, err == nil
	case model.TypeQuantity:
		q, err := resource.ParseQuantity(cell)
		if err != nil {
			return 0, false
		}
		return q.AsApproximateFloat64(), true
	case model.TypeDuration:
		d, err := time.ParseDuration(cell)
		return d.Seconds(), err == nil
	}
	return 0, false
}

// Numeric reports whether cells of a column type sort as numbers.
func Numeric(typ string) bool { return typ != model.TypeText && typ != "" }
