import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';

export interface UPlotChartProps {
  /** Builds the chart's options once uPlot has loaded (path builders such as bars live on the class). */
  options: (lib: typeof uPlot) => Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height?: number;
  /** What the chart shows, for screen readers; the page also shows the numbers as text or a table. */
  label: string;
}

/** A uPlot chart sized to its container; uPlot and its stylesheet load with the first chart shown. */
export function UPlotChart({ options, data, height = 260, label }: UPlotChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let disposed = false;
    let plot: uPlot | undefined;
    let observer: ResizeObserver | undefined;
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')])
      .then(([{ default: UPlot }]) => {
        const element = container.current;
        if (disposed || !element) return;
        plot = new UPlot({ ...options(UPlot), width: element.clientWidth || 600, height }, data, element);
        observer = new ResizeObserver(() => plot?.setSize({ width: element.clientWidth, height }));
        observer.observe(element);
      })
      .catch((error: unknown) => {
        if (!disposed) setFailed(error instanceof Error ? error.message : 'The chart could not load.');
      });
    return () => {
      disposed = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, [options, data, height]);

  if (failed) return <p className="form-error">The chart could not load: {failed}</p>;
  return (
    <div
      ref={container}
      className="uplot-chart"
      role="img"
      aria-label={label}
      style={{ minHeight: height }}
    />
  );
}
